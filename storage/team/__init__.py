"""Organizations, memberships, invitations, categories, users and consents."""

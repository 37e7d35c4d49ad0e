"""People and teams: who is acting, onboarding, invitations, roles and organizations."""

"""The client loop: what a business's clients receive and may see, by Telegram, SMS or e-mail;
their links, consents, message log, page tokens, settings and templates."""

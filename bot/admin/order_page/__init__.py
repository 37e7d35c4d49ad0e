"""The order card in the browser (issue 22, item 6): the bot's card, history, files, messages
with the client, and the edits the bot allows."""

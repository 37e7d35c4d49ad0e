"""Orders: the status machine, creation, dispatch, cards, lists, edits and payments."""

"""Privacy in the chat: /privacy, /export, /mydata, /forget and /audit."""

"""The organization's numbers for a period (issue 22, item 4): the digest's and the board's."""

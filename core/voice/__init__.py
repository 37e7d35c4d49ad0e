"""Voice notes: transcribed, summarised by AI into a proposed order update."""

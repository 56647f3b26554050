"""The only code that talks HTTP to GitHub."""

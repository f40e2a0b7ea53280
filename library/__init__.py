"""The user's library: tracks and their files. Import the pieces from their modules."""

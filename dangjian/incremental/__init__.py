"""What a build may reuse from the last one. The build reaches it only through rebuild.Rebuild."""

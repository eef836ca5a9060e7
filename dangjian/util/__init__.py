"""Process mechanics: worker processes, progress, the garbage collector. The only layer with module-level state."""

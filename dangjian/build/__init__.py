"""The phases of a build (pipeline.py) and what they use: gather, assets, render, output, search."""

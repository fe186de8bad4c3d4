"""Offline data preparation: annotation files from the official split files
(:mod:`.split_files`) and the synthetic motion benchmark's videos
(:mod:`.synthetic_motion`, with its camera motion :mod:`.camera`, textures
:mod:`.textures` and deforming objects :mod:`.movers`). Used by
``tools/data/``; nothing here is a registry component, and ``import mmvididi``
does not import it."""

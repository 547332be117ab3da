"""The project as Lighthouse knows it: file events folded into trees (now and at any past event), the snapshot
importer, and the FUSE view over them."""

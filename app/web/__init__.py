"""Pages, one blueprint per audience; templates mirror them under templates/<audience>/."""

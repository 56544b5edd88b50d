"""nftsite: the static site generator of Normandy French Tech."""

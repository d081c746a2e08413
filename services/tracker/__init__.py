"""The tracker: applications, their stages and the rejections they end in."""

"""The mailbox service: rejections and invitations noticed in a person's own e-mail, privately."""

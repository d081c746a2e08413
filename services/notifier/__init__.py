"""The notifier: the inbox, and later e-mail, push channels and the support network."""

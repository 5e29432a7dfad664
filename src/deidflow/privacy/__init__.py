"""Privacy stage: consent and minors, k-anonymity, and the leak gate for the partner tier."""

"""Donor pitch: the pitch pack (what to ask whom), match explanations, the slide deck and one-pagers."""

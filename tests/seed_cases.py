"""Shared test data."""

SEED_SENTENCE = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"

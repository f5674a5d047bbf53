"""Shared services the rule families and the pipeline use: window segmentation
(`segment`), confusable-character tables (`confusables`) and the on-disk cache (`cache`).

Services import nothing from the pipeline modules or the families.
"""

"""Readers turn one input file into a :class:`wibrs_check.model.Submission`."""

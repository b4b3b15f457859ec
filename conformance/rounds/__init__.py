"""Certification rounds: a roster of solutions run with bounded parallelism, one report per
solution, a round report (matrix of solutions × cases), history in SQLite, shards and merging.
"""

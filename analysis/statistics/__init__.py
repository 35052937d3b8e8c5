"""The statistics layer: every number of results.json, from the data layer's tidy table. estimates.py
(correlations, OLS, group tests, efficiency and Pareto fronts, types) computes as formulas.py's
scipy-equivalent routines do; populations, groups, published findings, capability density, Community
Evals and snapshot change each have a module. Imports nothing from report/."""

"""The plugin-author kit: Hypothesis strategies, a fixture-style helper and contract tests.

Needs the ``test`` extra (``pip install 'govinfo-report[test]'``), which brings Hypothesis and pytest.
"""

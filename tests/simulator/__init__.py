"""Local simulator of the SimpleMDM, Apple Business/School Manager, Esper and MicroMDM APIs.

Run it with `python tests/simulator --port 0` (see __main__.py) or from tests with
`harness.start_simulator()`.  One module per vendor (simplemdm.py, abm.py, esper.py,
micromdm.py) holds its auth check, paging helper and routes; add endpoints there.
"""

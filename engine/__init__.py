"""A generic BPMN case engine over SpiffWorkflow: definitions, cases, inbox, audit.

Knows nothing about Flask, HTML or any particular procedure.
"""

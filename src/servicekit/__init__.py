"""servicekit: service-culture primitives.

Model how service flows through an organisation (roles, hand-offs, touchpoints
and customers), ask who upstream shapes what a customer experiences, and check
that principles, scripts, metrics and programmes support a service culture.

Every public name is importable from here. Each is loaded from its module the
first time it is used (as Scientific Python's SPEC 1 lays out), so that
``import servicekit`` and ``servicekit --help`` stay fast; the modules follow
the data flow: ``model`` -> ``readwrite`` -> ``chain`` -> ``culture`` ->
``render`` -> ``cli``.

>>> import servicekit
>>> model = servicekit.load_example()
>>> [r.id for r in model.chain.upstream("pickup", depth=2)]
['cashier', 'organizer']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servicekit.chain.changes import SuspectChange, TouchpointChange
    from servicekit.chain.results import (
        Critical,
        CustomersOf,
        NodeIds,
        Reach,
        Reaches,
        Root,
        Selection,
        Suspect,
        Suspects,
        UpstreamOfAll,
        UpstreamSet,
    )
    from servicekit.chain.service_chain import ServiceChain
    from servicekit.culture.audit import Finding, Findings
    from servicekit.culture.diff import (
        EntityChange,
        FieldChange,
        HandoffChange,
        ModelDiff,
        diff,
    )
    from servicekit.culture.guide import ScenarioGuide
    from servicekit.culture.mapping import Applicability, Coverage
    from servicekit.culture.rules import RULES, Rule
    from servicekit.errors import (
        AuditSettingError,
        EvidenceError,
        MissingExtraError,
        ModelError,
        NotInChainError,
        OutputError,
        Problem,
        SelectorError,
        ServicekitError,
        UnknownIdError,
        UsageError,
    )
    from servicekit.evidence.attribution import (
        Assignment,
        Attribution,
        ComplaintGroup,
        DepartmentComplaints,
        FailPointComplaints,
        PossibleCause,
        RoleComplaints,
    )
    from servicekit.evidence.conformance import (
        Conformance,
        HandoffCount,
        HandoffShare,
        Rework,
        RoleEvents,
    )
    from servicekit.model.entities import (
        Audience,
        AuditSettings,
        Customer,
        FailPoint,
        Handoff,
        InternalCustomer,
        Metric,
        Principle,
        PrincipleScope,
        Program,
        Role,
        Scenario,
        Script,
        SourceLocation,
        Touchpoint,
    )
    from servicekit.model.frozen import FrozenDict
    from servicekit.model.service_model import ServiceModel
    from servicekit.readwrite.load import (
        example_path,
        load,
        load_example,
        loads,
        schema_path,
    )
    from servicekit.readwrite.save import save
    from servicekit.readwrite.writer import dump

#: Public name -> the module that defines it.
_WHERE = {
    **dict.fromkeys(
        (
            "Critical",
            "CustomersOf",
            "NodeIds",
            "Reach",
            "Reaches",
            "Root",
            "Selection",
            "Suspect",
            "Suspects",
            "UpstreamOfAll",
            "UpstreamSet",
        ),
        "servicekit.chain.results",
    ),
    "ServiceChain": "servicekit.chain.service_chain",
    "SuspectChange": "servicekit.chain.changes",
    "TouchpointChange": "servicekit.chain.changes",
    **dict.fromkeys(
        ("EntityChange", "FieldChange", "HandoffChange", "ModelDiff", "diff"),
        "servicekit.culture.diff",
    ),
    "Finding": "servicekit.culture.audit",
    "Findings": "servicekit.culture.audit",
    "ScenarioGuide": "servicekit.culture.guide",
    "Applicability": "servicekit.culture.mapping",
    "Coverage": "servicekit.culture.mapping",
    "RULES": "servicekit.culture.rules",
    "Rule": "servicekit.culture.rules",
    **dict.fromkeys(
        (
            "Assignment",
            "Attribution",
            "ComplaintGroup",
            "DepartmentComplaints",
            "FailPointComplaints",
            "PossibleCause",
            "RoleComplaints",
        ),
        "servicekit.evidence.attribution",
    ),
    **dict.fromkeys(
        ("Conformance", "HandoffCount", "HandoffShare", "Rework", "RoleEvents"),
        "servicekit.evidence.conformance",
    ),
    **dict.fromkeys(
        (
            "AuditSettingError",
            "EvidenceError",
            "MissingExtraError",
            "ModelError",
            "NotInChainError",
            "OutputError",
            "Problem",
            "SelectorError",
            "ServicekitError",
            "UnknownIdError",
            "UsageError",
        ),
        "servicekit.errors",
    ),
    **dict.fromkeys(
        (
            "Audience",
            "AuditSettings",
            "Customer",
            "FailPoint",
            "Handoff",
            "InternalCustomer",
            "Metric",
            "Principle",
            "PrincipleScope",
            "Program",
            "Role",
            "Scenario",
            "Script",
            "SourceLocation",
            "Touchpoint",
        ),
        "servicekit.model.entities",
    ),
    "FrozenDict": "servicekit.model.frozen",
    "ServiceModel": "servicekit.model.service_model",
    **dict.fromkeys(
        ("example_path", "load", "load_example", "loads", "schema_path"),
        "servicekit.readwrite.load",
    ),
    "save": "servicekit.readwrite.save",
    "dump": "servicekit.readwrite.writer",
}

__all__ = [
    "RULES",
    "Applicability",
    "Assignment",
    "Attribution",
    "Audience",
    "AuditSettingError",
    "AuditSettings",
    "ComplaintGroup",
    "Conformance",
    "Coverage",
    "Critical",
    "Customer",
    "CustomersOf",
    "DepartmentComplaints",
    "EntityChange",
    "EvidenceError",
    "FailPoint",
    "FailPointComplaints",
    "FieldChange",
    "Finding",
    "Findings",
    "FrozenDict",
    "Handoff",
    "HandoffChange",
    "HandoffCount",
    "HandoffShare",
    "InternalCustomer",
    "Metric",
    "MissingExtraError",
    "ModelDiff",
    "ModelError",
    "NodeIds",
    "NotInChainError",
    "OutputError",
    "PossibleCause",
    "Principle",
    "PrincipleScope",
    "Problem",
    "Program",
    "Reach",
    "Reaches",
    "Rework",
    "Role",
    "RoleComplaints",
    "RoleEvents",
    "Root",
    "Rule",
    "Scenario",
    "ScenarioGuide",
    "Script",
    "Selection",
    "SelectorError",
    "ServiceChain",
    "ServiceModel",
    "ServicekitError",
    "SourceLocation",
    "Suspect",
    "SuspectChange",
    "Suspects",
    "Touchpoint",
    "TouchpointChange",
    "UnknownIdError",
    "UpstreamOfAll",
    "UpstreamSet",
    "UsageError",
    "__version__",
    "diff",
    "dump",
    "example_path",
    "load",
    "load_example",
    "loads",
    "save",
    "schema_path",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    if name == "__version__":
        from servicekit._runtime import version

        return version()
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'servicekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

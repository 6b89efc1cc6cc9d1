"""servicekit: service-culture primitives.

Model how service flows through an organisation (roles, hand-offs, touchpoints
and customers), ask who upstream shapes what a customer experiences, and check
that principles, scripts, metrics and programmes support a service culture.

>>> import servicekit
>>> model = servicekit.load_example()
>>> [r.id for r in model.chain.upstream("pickup", depth=2)]
['cashier', 'organizer']
"""

from servicekit.audit import RULES, AuditSettingError, Finding, Rule
from servicekit.chain import (
    CustomersOf,
    Reach,
    Reaches,
    ServiceChain,
    Suspect,
    Suspects,
    UpstreamOfAll,
    UpstreamSet,
)
from servicekit.errors import ModelError, Problem, ServicekitError, UnknownIdError
from servicekit.guide import ScenarioGuide
from servicekit.loading import dump, example_path, load, load_example, loads, save, schema_path
from servicekit.mapping import Applicability, Coverage, MissingExtraError
from servicekit.model import (
    Audience,
    AuditSettings,
    Customer,
    FailPoint,
    FrozenDict,
    Handoff,
    InternalCustomer,
    Metric,
    Principle,
    PrincipleScope,
    Program,
    Role,
    Scenario,
    Script,
    ServiceModel,
    SourceLocation,
    Touchpoint,
)

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "Applicability",
    "Audience",
    "AuditSettingError",
    "AuditSettings",
    "Coverage",
    "Customer",
    "CustomersOf",
    "FailPoint",
    "Finding",
    "FrozenDict",
    "Handoff",
    "InternalCustomer",
    "Metric",
    "MissingExtraError",
    "ModelError",
    "Principle",
    "PrincipleScope",
    "Problem",
    "Program",
    "Reach",
    "Reaches",
    "Role",
    "Rule",
    "Scenario",
    "ScenarioGuide",
    "Script",
    "ServiceChain",
    "ServiceModel",
    "ServicekitError",
    "SourceLocation",
    "Suspect",
    "Suspects",
    "Touchpoint",
    "UnknownIdError",
    "UpstreamOfAll",
    "UpstreamSet",
    "__version__",
    "dump",
    "example_path",
    "load",
    "load_example",
    "loads",
    "save",
    "schema_path",
]

"""The primary-rules state machine passes for the real library and fails for broken ones."""

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test

from contactbook import ContactSet
from contactbook.adapters.memory import AllowAll, InMemoryStore
from contactbook.operations import apply
from contactbook.service import ContactService
from contactbook.testing.machine import PrimaryRulesMachine

QUICK = settings(
    max_examples=15,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)


class PureApplyMachine(PrimaryRulesMachine):
    """The machine driving contactbook.operations.apply() on a set held in memory."""

    def __init__(self):
        super().__init__()
        self.contacts = ContactSet()

    def apply_batch(self, changes, /):
        outcome = apply(self.contacts, changes, country=self.country)
        if outcome.changes:  # like the service: a batch that changes nothing saves nothing
            self.contacts = outcome.contacts

    def current_set(self):
        return self.contacts


class DutchPureApplyMachine(PureApplyMachine):
    """The same, for a customer billed in the Netherlands (national numbers too)."""

    country = "NL"


class ServiceMachine(PrimaryRulesMachine):
    """The machine driving ContactService over an InMemoryStore, as a host would."""

    country = "GB"

    def __init__(self):
        super().__init__()
        store = InMemoryStore()
        store.set_billing_country("customer-1", self.country)
        self.service = ContactService(store, AllowAll())

    def apply_batch(self, changes, /):
        version = self.service.read("ann", "customer-1").version
        self.service.update("ann", "customer-1", changes, expected_version=version)

    def current_set(self):
        return self.service.read("ann", "customer-1").contacts


TestPureApply = PureApplyMachine.TestCase
TestPureApply.settings = QUICK
TestDutchPureApply = DutchPureApplyMachine.TestCase
TestDutchPureApply.settings = QUICK
TestService = ServiceMachine.TestCase
TestService.settings = QUICK


# --------------------------------------------------------------------------- broken systems


class SortingSystem(PureApplyMachine):
    """Keeps points sorted by value, so a later, smaller value becomes primary."""

    def apply_batch(self, changes, /):
        super().apply_batch(changes)
        ordered = sorted(self.contacts.points, key=lambda point: point.value)
        self.contacts = ContactSet(ordered, self.contacts.next_id)


class IdReusingSystem(PureApplyMachine):
    """Forgets next_id after every batch, so a removed point's id comes back."""

    def apply_batch(self, changes, /):
        super().apply_batch(changes)
        self.contacts = ContactSet(self.contacts.points)


class AcceptingSystem(PureApplyMachine):
    """Drops changes it cannot apply instead of refusing the batch."""

    def apply_batch(self, changes, /):
        for change in changes:
            try:
                super().apply_batch([change])
            except Exception:  # noqa: S112 -- this system's bug is exactly that
                continue


FIND_BUGS = settings(
    QUICK,
    max_examples=200,
    stateful_step_count=10,
    database=None,
    phases=[Phase.generate],  # shrinking is not what is being tested here
)


class TestTheMachineCatchesBrokenSystems:
    """A system that breaks a primary rule fails the machine."""

    @pytest.mark.parametrize("machine", [SortingSystem, IdReusingSystem, AcceptingSystem])
    def test_a_broken_system_fails(self, machine):
        with pytest.raises((AssertionError, Flaky)):
            run_state_machine_as_test(machine, settings=FIND_BUGS)

    def test_the_hooks_must_be_overridden(self):
        with pytest.raises(NotImplementedError, match="apply_batch"):
            PrimaryRulesMachine().apply_batch([])
        with pytest.raises(NotImplementedError, match="current_set"):
            PrimaryRulesMachine().current_set()

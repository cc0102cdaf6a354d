"""Puts people on the dial pad (seed 002): their alternative numbers in a drop-down, and
the name of whoever owns a number the rep types or pastes.

The dial pad widget stays ignorant of the database; this object reads through
PeopleService and tells the pad what to show. Labels and the default number are domain
rules (``domain/person_numbers.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from dialer_app.db.people_reader import PersonRow, PhoneRow
from dialer_app.domain.person_numbers import (
    UNKNOWN_NUMBER,
    default_number,
    dialable_e164,
    index_of_number,
    number_option_label,
    owners_summary,
    person_label,
)
from dialer_app.services.people import PeopleService
from dialer_app.ui.dial_pad import DialPad


class DialPadPeople(QObject):
    def __init__(self, pad: DialPad, people: PeopleService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pad = pad
        self._people = people
        self._person: PersonRow | None = None
        self._numbers: list[PhoneRow] = []
        # The last typed number looked up, and what the lookup found: the query runs only
        # when the parsed E.164 changes (never per keystroke, never for a partial number),
        # or after people changed (refresh).
        self._looked_up: str | None = None
        self._owners: list[PersonRow] = []
        self._owner_numbers: dict[int, list[PhoneRow]] = {}
        self._filled_extension = ""
        """An extension filled from the owner's record (cleared again if the number goes)."""
        pad.number_changed.connect(self._on_number_changed)
        pad.number_choice_made.connect(self.choose_number)
        pad.owner_choice_made.connect(self._attach_owner)

    @property
    def person(self) -> PersonRow | None:
        """The person whose numbers the drop-down lists (None for a typed, unknown number)."""
        person = self._person
        return person if person is not None and person.id == self._pad.person_id else None

    @property
    def numbers(self) -> list[PhoneRow]:
        return list(self._numbers) if self.person is not None else []

    def load_person(self, person: PersonRow) -> bool:
        """Put the person's number on the pad (the row's own, e.g. one the profile chose,
        else the default), the others to choose from; False when they have none."""
        numbers = self._people.numbers(person.id)
        if default_number(numbers) is None:
            return False
        index = index_of_number(numbers, person.phone_e164, person.phone_extension or "")
        self._filled_extension = ""
        self._show_person(person, numbers, max(index, 0))
        return True

    def choose_number(self, index: int) -> None:
        """Another of the person's numbers replaces the number and extension, same person."""
        person = self.person
        if person is None or not 0 <= index < len(self._numbers):
            return
        self._filled_extension = ""
        self._show_person(person, self._numbers, index)

    def _show_person(self, person: PersonRow, numbers: list[PhoneRow], index: int) -> None:
        number = numbers[index]
        self._pad.set_number(
            number.e164,
            extension=number.extension or "",
            person=person_label(person),
            person_id=person.id,
            person_name=person.name,
        )
        self._offer_numbers(person, numbers, index)

    def _offer_numbers(self, person: PersonRow, numbers: list[PhoneRow], index: int) -> None:
        self._person = person
        self._numbers = numbers
        region = self._pad.region
        self._pad.show_number_choices([number_option_label(n, region) for n in numbers], index)

    def refresh(self) -> None:
        """People changed (a profile saved, an import, a person made from a call): read
        again who is on the pad, with their name, ⛔ and numbers as stored now. A person
        who no longer has the number on the pad lets go of it: it is looked up as typed."""
        pad = self._pad
        chosen = pad.person_id
        loaded = self.person
        e164 = dialable_e164(pad.number_text, pad.region)
        typed = loaded is not None and e164 is not None and e164 == self._looked_up
        typed = typed and any(owner.id == chosen for owner in self._owners)
        self._looked_up, self._owners, self._owner_numbers = None, [], {}
        if chosen is not None and not typed:
            person = self._people.person(chosen)
            numbers = self._people.numbers(chosen) if person is not None else []
            index = index_of_number(numbers, e164 or "", pad.extension)
            if person is not None and (loaded is None or index >= 0):
                # loaded is None: a link's ?person= chose them, whoever has the number
                pad.set_person(person_label(person), person_id=person.id, person_name=person.name)
                if loaded is not None:
                    self._offer_numbers(person, numbers, index)
                return
        pad.set_person("", person_id=None)
        pad.show_number_choices([], -1)
        pad.show_owner_choices([], -1)
        self._on_number_changed(pad.number_text)
        again = next((i for i, owner in enumerate(self._owners) if owner.id == chosen), 0)
        if again:  # the rep had picked another of the number's owners
            self._attach_owner(again)

    # -- typed numbers -------------------------------------------------------------------
    def _on_number_changed(self, text: str) -> None:
        pad = self._pad
        if pad.person_id is not None:
            return  # the number came with its person (a list, a choice, a lookup)
        if self._filled_extension and pad.extension == self._filled_extension:
            pad.set_extension("")
        self._filled_extension = ""
        e164 = dialable_e164(text, pad.region)
        if e164 is None:
            return
        if e164 != self._looked_up:
            self._looked_up = e164
            self._owners = self._people.people_with_number(e164)
            self._owner_numbers = {}
        if not self._owners:
            pad.set_person(UNKNOWN_NUMBER, person_id=None, subtle=True)
            return
        self._attach_owner(0)

    def _attach_owner(self, index: int) -> None:
        """Whose typed number this is; with several owners the first until the rep picks."""
        owners = self._owners
        if self._looked_up is None or not 0 <= index < len(owners):
            return
        pad = self._pad
        owner = owners[index]
        several = len(owners) > 1
        pad.set_person(
            owners_summary(len(owners)) if several else person_label(owner),
            person_id=owner.id,
            person_name=owner.name,
        )
        pad.show_owner_choices([person_label(o) for o in owners] if several else [], index)
        numbers = self._owner_numbers.get(owner.id)
        if numbers is None:
            numbers = self._owner_numbers[owner.id] = self._people.numbers(owner.id)
        if self._filled_extension and pad.extension == self._filled_extension:
            pad.set_extension("")  # the previous owner's extension
            self._filled_extension = ""
        current = index_of_number(numbers, self._looked_up, pad.extension)
        self._offer_numbers(owner, numbers, current)
        extension = numbers[current].extension if current >= 0 else None
        if extension and not pad.extension:
            pad.set_extension(extension)  # seed 002: the office extension, ready to send
            self._filled_extension = extension

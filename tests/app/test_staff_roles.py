"""An admin changes a member's role (`staff.role_changed`): what the member may do follows,
and survives a rebuild."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import staff
from app.desk import Desk, open_desk
from app.errors import NotFound, PermissionDenied, RuleRefused
from app.permissions import Role
from app.projections import projector
from db.ledger import rebuild_projections
from tests.conftest import PASSPHRASE

MakeDesk = Callable[..., tuple[Desk, str]]


def test_a_clerk_made_director_is_a_director_after_a_rebuild(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    staff.add_account(desk, "zhangsan", "张三", "clerk", PASSPHRASE)
    changed = staff.change_role(desk, "zhangsan", "director")
    assert changed.role is Role.DIRECTOR
    rebuild_projections(desk.conn, projector())
    member = staff.find(desk.conn, "zhangsan")
    assert member is not None and member.role is Role.DIRECTOR
    as_director = open_desk(desk.path, "zhangsan", PASSPHRASE, desk.clock)
    try:
        assert as_director.user.role is Role.DIRECTOR
    finally:
        as_director.close()


def test_role_changes_are_refused_clearly(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    staff.add_account(desk, "zhangsan", "张三", "clerk", PASSPHRASE)
    before = desk.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(RuleRefused):
        staff.change_role(desk, "admin", "clerk")  # would lock the desk out of its admin
    with pytest.raises(NotFound):
        staff.change_role(desk, "nobody", "clerk")
    clerk = Desk(desk.opened, desk.ledger, staff.find(desk.conn, "zhangsan"), desk.clock)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        staff.change_role(clerk, "zhangsan", "admin")
    assert desk.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before

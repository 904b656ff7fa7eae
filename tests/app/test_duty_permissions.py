"""Roles enforced in app/, with no UI anywhere: a clerk cannot override the one-notice rule,
edit the catalogue or see another centre's settings; a director can."""

from __future__ import annotations

import pytest

from app import cases, catalogue, centre, settings
from app.catalogue_model import demo_catalogue_text
from app.desk import open_desk
from app.errors import PermissionDenied, RuleRefused
from app.permissions import PERMISSIONS, Role, allowed, require
from tests.app.case_helpers import person, tick
from tests.app.duty_helpers import CLERK, DIRECTOR, LSJZ, PASS, duty_desk
from tests.conftest import FakeClock


def test_clerk_refused_director_allowed(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    admin = duty_desk(make_desk)
    centre.set_profile(
        admin,
        centre.CentreProfileInput(
            "510421201", "湾丘彝族乡便民服务中心", "湾丘乡", "工作日", "12345", 8000, 60
        ),
    )
    path = admin.path
    clerk = open_desk(path, CLERK, PASS, clock=clock)
    director = open_desk(path, DIRECTOR, PASS, clock=clock)
    try:
        # One-time notice: a second notice needs the director.
        no = cases.intake(clerk, LSJZ, person(1), tick("M01")).case_no
        cases.issue_notice(clerk, no)
        with pytest.raises(RuleRefused, match="负责人授权"):
            cases.issue_notice(clerk, no)
        with pytest.raises(PermissionDenied):
            require(clerk.user.role, "notice.override")
        with pytest.raises(PermissionDenied):
            cases.authorize_override(clerk, CLERK, PASS, "我自己授权")
        override = cases.authorize_override(clerk, DIRECTOR, PASS, "申请人提交的证明与户口簿不符")
        second = cases.issue_notice(
            clerk, no, [cases.NoticeItem("收入证明", "信息不符", "重新出具")], override=override
        )
        assert second.ordinal == 2 and second.override_by == DIRECTOR
        assert allowed(director.user.role, "notice.override")

        # The catalogue.
        with pytest.raises(PermissionDenied):
            catalogue.import_text(clerk, demo_catalogue_text())
        with pytest.raises(PermissionDenied):
            catalogue.withdraw(clerk, LSJZ)
        catalogue.withdraw(director, LSJZ)

        # Another centre's settings (its profile), and this desk's settings.
        with pytest.raises(PermissionDenied):
            centre.get_profile(clerk, "510421201")
        with pytest.raises(PermissionDenied):
            settings.change(clerk, "followup_workdays", 15)
        assert centre.get_profile(director, "510421201").ethnic_area
        settings.change(director, "followup_workdays", 15)
    finally:
        clerk.close()
        director.close()


@pytest.mark.parametrize(
    "action",
    ["rating.appeal_decide", "complaint.handle", "window.manage", "centre.manage",
     "centre.view_other", "away.manage", "report.export"],
)  # fmt: skip
def test_director_actions_are_refused_to_a_clerk(action: str) -> None:
    with pytest.raises(PermissionDenied):
        require(Role.CLERK, action)
    require(Role.DIRECTOR, action)
    assert Role.CLERK not in PERMISSIONS[action]

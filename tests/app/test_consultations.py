"""First-question responsibility: the consultation log and referrals."""

from __future__ import annotations

import pytest

from app import consultations
from app.consultations import Referral
from app.errors import InvalidInput, NotFound
from tests.app.duty_helpers import CLERK, LSJZ, as_user, day, duty_desk

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")


def test_ours_is_answered_and_logged(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    c = consultations.log(zs, "临时救助需要哪些材料？", "申请书、身份证、户口簿……", item_code=LSJZ)
    assert c.consult_no == "ZX-510421100-01-20260302-0001"
    assert c.ours and c.referral is None and c.subject == "临时救助"
    assert c.served_by == CLERK and c.window_no == 1 and c.citizen_name == ""
    c2 = consultations.log(zs, "低保标准是多少？", "城市每月……", topic="低保标准",
                           citizen_name="张秀英", citizen_phone="138 0013 8000")  # fmt: skip
    assert c2.consult_no.endswith("-0002") and c2.citizen_phone == "13800138000"
    with pytest.raises(InvalidInput, match="咨询事项"):
        consultations.log(zs, "问", "答")  # neither item nor topic
    with pytest.raises(InvalidInput):
        consultations.log(zs, "问", "答", topic="x", referral=Referral("县医保局", "李科长"))
    with pytest.raises(InvalidInput):
        consultations.log(zs, "问", "答", topic="x", citizen_phone="12")
    assert [x.consult_no for x in consultations.list_between(desk.conn, day("2026-03-02"),
                                                             day("2026-03-02"))] == [
        c.consult_no, c2.consult_no
    ]  # fmt: skip


def test_not_ours_names_the_window_and_the_responsible_person(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    with pytest.raises(InvalidInput, match="责任人"):
        consultations.log(zs, "医保报销怎么办？", "不属于本中心", ours=False, topic="医保报销")
    c = consultations.log(
        zs,
        "城镇职工医保异地报销怎么办？",
        "属县医保局业务，请到县政务服务中心医保窗口办理",
        ours=False,
        topic="医保异地报销",
        referral=Referral("县政务服务中心二楼医保窗口", "刘敏", "0812-8171234", "米易县攀莲镇"),
        on=day("2026-03-02"),
    )
    slip = consultations.referral_slip(desk.conn, c.consult_no)
    assert slip.centre_name == "攀莲镇便民服务中心" and slip.served_by_name == "张三"
    assert slip.referred_to == "县政务服务中心二楼医保窗口" and slip.responsible_person == "刘敏"
    assert slip.referral_phone == "0812-8171234" and slip.window_name == "综合窗口1"
    ours = consultations.log(zs, "问", "答", topic="x")
    with pytest.raises(InvalidInput):
        consultations.referral_slip(desk.conn, ours.consult_no)
    with pytest.raises(NotFound):
        consultations.get(desk.conn, "ZX-nothing")

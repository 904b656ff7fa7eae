"""收件登记 on one screen: item, applicant, agent, materials, then accept / notice / reject."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.materials import MaterialsTable
from ui.views.widgets import FieldError, MessageLabel, hint


class PersonForm(QWidget):
    """Name, ID type and number, phone, address (+ relationship for an agent)."""

    def __init__(self, with_relationship: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        self.name = QLineEdit()
        self.id_type = QComboBox()
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(24)
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.relationship = QComboBox()
        self.relationship.setEditable(True)
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QWidget] = {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
        }
        rows = [
            ("name", self.tr("姓名")),
            ("id_type", self.tr("证件类型")),
            ("id_number", self.tr("证件号码")),
            ("phone", self.tr("联系电话")),
            ("address", self.tr("住址")),
        ]
        if with_relationship:
            self.fields["relationship"] = self.relationship
            rows.append(("relationship", self.tr("与申请人关系")))
        for key, label in rows:
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(1)
            inner.addWidget(self.fields[key])
            error = FieldError()
            inner.addWidget(error)
            self.errors[key] = error
            form.addRow(label + self.tr("："), box)


class IntakeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)

        # ① item
        item_box = QGroupBox(self.tr("① 办理事项（Alt+1）"))
        item_layout = QVBoxLayout(item_box)
        self.item_search = QLineEdit()
        self.item_search.setPlaceholderText(self.tr("输入编码、名称或拼音首字母，如 dbsq"))
        self.item_search.setClearButtonEnabled(True)
        self.item_results = QListWidget()
        self.item_results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.item_error = FieldError()
        self.item_info = QLabel()
        self.item_info.setWordWrap(True)
        self.item_info.setObjectName("hint")
        self.item_info.setMinimumHeight(60)
        self.item_info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        item_layout.addWidget(self.item_search)
        item_layout.addWidget(self.item_results, 1)
        item_layout.addWidget(self.item_error)
        item_layout.addWidget(self.item_info)
        item_box.setFixedWidth(330)
        columns.addWidget(item_box)

        # ② applicant, ③ agent
        people = QVBoxLayout()
        applicant_box = QGroupBox(self.tr("② 申请人（Alt+2）"))
        applicant_layout = QVBoxLayout(applicant_box)
        self.applicant = PersonForm(with_relationship=False)
        self.returning = QLabel()
        self.returning.setObjectName("hint")
        self.returning.setWordWrap(True)
        applicant_layout.addWidget(self.applicant)
        applicant_layout.addWidget(self.returning)
        people.addWidget(applicant_box)
        agent_box = QGroupBox(self.tr("③ 代办人"))
        agent_layout = QVBoxLayout(agent_box)
        self.has_agent = QCheckBox(self.tr("有代办人（Alt+3）"))
        self.agent = PersonForm(with_relationship=True)
        self.agent.setEnabled(False)
        agent_layout.addWidget(self.has_agent)
        agent_layout.addWidget(self.agent)
        people.addWidget(agent_box)
        people.addStretch(1)
        people_widget = QWidget()
        people_widget.setLayout(people)
        people.setContentsMargins(0, 0, 0, 0)
        people_widget.setFixedWidth(420)
        columns.addWidget(people_widget)

        # ④ materials
        materials_box = QGroupBox(self.tr("④ 材料清单（Alt+4）"))
        materials_layout = QVBoxLayout(materials_box)
        self.materials = MaterialsTable()
        self.materials_error = FieldError()
        materials_layout.addWidget(self.materials, 1)
        materials_layout.addWidget(self.materials_error)
        materials_layout.addWidget(
            hint(
                self.tr(
                    "空格：切换状态（已收→缺少→不符合要求→不适用）；"
                    "1 已收 · 2 缺少 · 3 不符合要求 · 4 不适用；F2 填写说明。"
                )
            )
        )
        columns.addWidget(materials_box, 1)

        # actions
        self.message = MessageLabel()
        layout.addWidget(self.message)
        actions = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("受理并打印回执（F9）"))
        self.accept_button.setObjectName("primary")
        self.notice_button = QPushButton(self.tr("一次性告知（F10）"))
        self.reject_button = QPushButton(self.tr("不予受理（F11）"))
        self.clear_button = QPushButton(self.tr("清空（Ctrl+N）"))
        for b in (self.accept_button, self.notice_button, self.reject_button, self.clear_button):
            b.setAutoDefault(False)
            b.setMinimumHeight(34)
        actions.addWidget(self.accept_button)
        actions.addWidget(self.notice_button)
        actions.addWidget(self.reject_button)
        actions.addStretch(1)
        actions.addWidget(self.clear_button)
        layout.addLayout(actions)
        layout.addWidget(
            hint(
                self.tr(
                    "Tab 顺序：事项搜索 → 事项列表 → 申请人（姓名→证件类型→号码→电话→住址）"
                    " → 代办人 → 材料清单 → 操作按钮。事项搜索框中按 ↓ 进入列表，Enter 选定；"
                    "输入证件号码后自动查找老申请人。"
                )
            )
        )

        # Tab order as documented above
        chain: list[QWidget] = [
            self.item_search,
            self.item_results,
            self.applicant.name,
            self.applicant.id_type,
            self.applicant.id_number,
            self.applicant.phone,
            self.applicant.address,
            self.has_agent,
            self.agent.name,
            self.agent.id_type,
            self.agent.id_number,
            self.agent.phone,
            self.agent.address,
            self.agent.relationship,
            self.materials,
            self.accept_button,
            self.notice_button,
            self.reject_button,
            self.clear_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

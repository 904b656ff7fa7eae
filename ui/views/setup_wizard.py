"""Set-up wizard: centre, admin account and passphrase, then the recovery key (shown once)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ui.views.widgets import FieldError, MessageLabel, hint

#: 米易县 township-level division codes (FIELD-NOTES, 行政区划代码).
MIYI_TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("510421100", "攀莲镇"),
    ("510421101", "丙谷镇"),
    ("510421102", "得石镇"),
    ("510421103", "撒莲镇"),
    ("510421105", "白马镇"),
    ("510421106", "普威镇"),
    ("510421107", "草场镇"),
    ("510421201", "湾丘彝族乡"),
    ("510421202", "白坡彝族乡"),
    ("510421203", "麻陇彝族乡"),
    ("510421204", "新山傈僳族乡"),
)


class _CheckedPage(QWizardPage):
    """A page whose Next is decided by its controller (`validator`)."""

    def __init__(self) -> None:
        super().__init__()
        self.validator: Callable[[], bool] | None = None

    def validatePage(self) -> bool:  # noqa: N802
        return self.validator() if self.validator is not None else True


class CentrePage(_CheckedPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("第一步：服务中心"))
        self.setSubTitle(self.tr("选择乡镇（行政区划代码），确认中心名称和本窗口台号。"))
        form = QFormLayout(self)
        self.township = QComboBox()
        for code, name in MIYI_TOWNSHIPS:
            self.township.addItem(f"{code}  {name}", code)
        self.code = QLineEdit()
        self.code.setMaxLength(12)
        self.code_error = FieldError()
        self.name = QLineEdit()
        self.name_error = FieldError()
        self.desk_no = QSpinBox()
        self.desk_no.setRange(1, 99)
        self.desk_error = FieldError()
        form.addRow(self.tr("乡镇（米易县）："), self.township)
        form.addRow(self.tr("中心代码："), self.code)
        form.addRow("", self.code_error)
        form.addRow(self.tr("中心名称："), self.name)
        form.addRow("", self.name_error)
        form.addRow(self.tr("窗口台号："), self.desk_no)
        form.addRow("", self.desk_error)


class AdminPage(_CheckedPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("第二步：管理员账号与口令"))
        self.setSubTitle(
            self.tr("口令用来加密台账，至少 8 个字符；建议用一句好记的话，不要告诉他人。")
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("创建台账（&C）"))
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("小写字母开头，如 wangqiang"))
        self.username_error = FieldError()
        self.display_name = QLineEdit()
        self.display_name_error = FieldError()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_error = FieldError()
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(True)
        self.strength.setFormat("")
        self.strength.setFixedHeight(18)
        self.strength_label = QLabel()
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_error = FieldError()
        strength_row = QHBoxLayout()
        strength_row.addWidget(self.strength, 1)
        strength_row.addWidget(self.strength_label)
        form.addRow(self.tr("用户名："), self.username)
        form.addRow("", self.username_error)
        form.addRow(self.tr("姓名："), self.display_name)
        form.addRow("", self.display_name_error)
        form.addRow(self.tr("口令："), self.passphrase)
        form.addRow(self.tr("口令强度："), strength_row)
        form.addRow("", self.passphrase_error)
        form.addRow(self.tr("再次输入口令："), self.confirm)
        form.addRow("", self.confirm_error)
        self.message = MessageLabel()
        form.addRow(self.message)


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("第三步：保存恢复密钥"))
        self.setSubTitle(
            self.tr(
                "台账已创建。恢复密钥只显示这一次：忘记口令时凭它找回台账。"
                "请打印或抄写后交中心负责人放入保险柜。"
            )
        )
        layout = QVBoxLayout(self)
        self.key = QLabel()
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(13)
        self.key.setFont(mono)
        self.key.setWordWrap(True)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setStyleSheet("background: #f4f6fa; border: 1px solid #99a; padding: 12px;")
        layout.addWidget(self.key)
        self.print_button = QPushButton(self.tr("打印恢复密钥（&P）"))
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stored = QCheckBox(self.tr("我已妥善保存恢复密钥（&K）"))
        layout.addWidget(self.stored)
        layout.addWidget(
            hint(self.tr("勾选后才能完成。恢复密钥丢失且所有口令遗忘时，台账无法再打开。"))
        )
        layout.addStretch(1)
        self.registerField("stored*", self.stored)


class SetupWizardView(QWizard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置向导 — 新建本窗口台账"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.centre = CentrePage()
        self.admin = AdminPage()
        self.recovery = RecoveryPage()
        self.centre_id = self.addPage(self.centre)
        self.admin_id = self.addPage(self.admin)
        self.recovery_id = self.addPage(self.recovery)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步（&N）"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步（&B）"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成，进入工作台（&F）"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.resize(720, 560)

    def reject(self) -> None:
        # The ledger exists once the recovery page shows: only "stored it" + Finish leaves.
        if self.currentId() == self.recovery_id:
            return
        super().reject()

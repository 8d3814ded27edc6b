from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qingqian.ledger"
    label = "ledger"
    verbose_name = _("欠款台账")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels
        from qingqian.ledger.tasks import reassess_on_commit
        from qingqian.registry.reference import reference_changed

        # calendar or LPR edits move due dates and rates: re-assess the open ledger once they commit
        reference_changed.connect(reassess_on_commit, dispatch_uid="ledger.reassess_on_commit")

        register_action_labels(
            {
                "ledger.item.created": _("登记台账"),
                "ledger.item.imported": _("台账导入"),
                "ledger.item.updated": _("修改台账信息"),
                "ledger.item.reassessed": _("重新评估应付款日"),
                "ledger.item.reconciled": _("企业确认对账"),
                "ledger.item.reconciliation_cleared": _("对账确认失效"),
                "ledger.item.closed": _("对账销号"),
                "ledger.entry.adjusted": _("调整确认欠款"),
                "ledger.entry.written_off": _("判决核销"),
                "ledger.entry.reversed": _("冲正分录"),
                "ledger.payment.reported": _("报告付款"),
                "ledger.payment.confirmed": _("企业确认收款"),
                "ledger.payment.rejected": _("企业驳回付款"),
                "ledger.payment.withdrawn": _("撤回付款报告"),
                "ledger.payment.escalated": _("付款超期未确认，上报专班"),
                "ledger.dispute.opened": _("登记分歧"),
                "ledger.dispute.path_changed": _("变更分歧解决途径"),
                "ledger.dispute.resolved": _("分歧解决"),
                "ledger.plan.proposed": _("提出还款计划"),
                "ledger.plan.revision_proposed": _("提出还款计划修订"),
                "ledger.plan.approved": _("批准还款计划"),
                "ledger.plan.rejected": _("不予批准还款计划"),
                "ledger.plan.breached": _("还款计划违约预警"),
                "ledger.campaign.created": _("创建专项行动"),
                "ledger.campaign.started": _("启动专项行动"),
                "ledger.campaign.ended": _("结束专项行动"),
                "ledger.import.uploaded": _("上传台账文件"),
                "ledger.import.succeeded": _("台账导入成功"),
                "ledger.import.failed": _("台账导入失败"),
                "ledger.import.resumed": _("台账导入中断后重新执行"),
                "ledger.aging.run": _("账龄计算"),
            }
        )

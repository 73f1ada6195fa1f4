from . import report_mixin
from . import sale_governance_report
from . import sale_review_report
from . import sale_report

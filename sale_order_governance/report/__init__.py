from . import report_mixin
from . import sale_governance_report
from . import sale_review_report
from . import sale_report
from . import sale_review_delay_report
from . import sale_fulfilment_report
from . import sale_governance_line_report
from . import sale_governance_summary

from . import sql_view
from . import sale_governance_report
from . import sale_review_report
from . import sale_report

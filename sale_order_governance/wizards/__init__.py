from . import sale_order_review_decision
from . import sale_order_review_reassign
from . import sale_credit_release
from . import sale_advance_payment_inv
from . import sale_review_stage_import_tier
from . import sale_governance_document_add

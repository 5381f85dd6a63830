"""Import every table so that the metadata Alembic compares against is complete."""

from __future__ import annotations

from safeconduct.archive.models import ArchiveEntry, Publication
from safeconduct.auth.models import AuthSession
from safeconduct.cases.casework_models import AuditRecord, CaseNote, Consent, StateChange, TransitionProposal
from safeconduct.cases.identity_models import CaseIdentity
from safeconduct.cases.models import Case, CaseFile, CaseKeySeal, Message, ReadMark, Upload
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cases.retention_models import CaseRetention
from safeconduct.cases.vetting_models import VettingClaim, VettingRisk
from safeconduct.contact.models import SpentStartToken
from safeconduct.jobs.models import Job, JobSeal, Worker
from safeconduct.ledger.models import ChainHead, LedgerEntry, LogState, MerkleNode, TreeHead
from safeconduct.notifications.models import MailOptIn, Notification
from safeconduct.org.canned_models import CannedReply
from safeconduct.org.models import Organisation
from safeconduct.referrals.models import CaseLink, CaseTask, CaseWriter, Partner, Referral
from safeconduct.returns.models import AuthorityRequest
from safeconduct.staff.models import StaffMember
from safeconduct.store.base import Base
from safeconduct.testimony.studio.models import Testimony
from safeconduct.testimony.terms_models import RedactionTermRow

__all__ = [
    "AuthSession", "Base", "Case", "CaseFile", "CaseKeySeal", "Message", "Organisation", "ReadMark",
    "StaffMember", "Upload", "LedgerEntry", "LogState", "MerkleNode", "TreeHead",
    "AuditRecord", "CaseNote", "Consent", "StateChange", "TransitionProposal", "CaseRetention",
    "VettingClaim", "VettingRisk", "SpentStartToken", "MailOptIn", "Notification", "PendingReshare",
    "CannedReply", "RedactionTermRow", "Partner", "Referral", "CaseWriter", "CaseLink", "CaseTask", "ChainHead",
    "Job", "JobSeal", "Worker", "Testimony", "CaseIdentity", "AuthorityRequest",
    "Publication", "ArchiveEntry",
]

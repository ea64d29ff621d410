"""The flows through the system, headless: incident reports, advisories and briefs,
acknowledgements, the exploited-vulnerability catalogs and inventory, STIX and TAXII.

Functions take a *target*: a :class:`~sync.account.Session` (sans-I/O: work is checked,
encrypted, signed and queued in the outbox in one transaction, then the call returns) or an
:class:`~sync.engine.Engine` (the same, then one attempt to deliver; offline, the work stays
queued for the next sync). Reads take a Session. Errors: ``intel.errors.FormatError`` (bad
input, every problem listed), ``sync.compose.SendError`` (refused before anything was queued),
``sync.flows_common.FlowError`` (nothing to act on), ``sync.taxii.TaxiiError``.

This module gathers the API; the code lives in ``flows_reports``, ``flows_docs``,
``flows_kev`` and ``flows_stix``.
"""

from __future__ import annotations

from sync.flows_common import FlowError, Target, delivery_state
from sync.flows_docs import (
    DocumentView,
    Published,
    ack_pending,
    acknowledge_document,
    acknowledgements,
    list_documents,
    load_document,
    my_acknowledgement,
    publish_advisory,
    publish_document,
    send_brief,
    validate_document,
)
from sync.flows_kev import (
    KEV_ROOM,
    CatalogEntry,
    KevImport,
    add_product,
    affects_us,
    catalog_entries,
    domestic_catalog,
    get_inventory,
    import_kev,
    import_sbom,
    inventory_exposure,
    inventory_matches,
    kev_sources,
    list_kev,
    publish_catalog,
    save_inventory,
)
from sync.flows_reports import (
    ReportThread,
    ThreadEntry,
    answer_follow_up,
    ask_follow_up,
    list_reports,
    report_status,
    report_thread,
    set_report_status,
    submit_report,
    validate_report,
)
from sync.flows_stix import (
    STIX_ROOM,
    StixImport,
    audience_for,
    export_document_stix,
    export_items_stix,
    import_stix,
    taxii_pull,
    taxii_push,
)

__all__ = [
    "FlowError", "Target", "delivery_state",
    # incident reports
    "ReportThread", "ThreadEntry", "validate_report", "submit_report", "set_report_status",
    "ask_follow_up", "answer_follow_up", "report_thread", "list_reports", "report_status",
    # advisories and briefs
    "DocumentView", "Published", "validate_document", "publish_document", "publish_advisory",
    "send_brief", "load_document", "list_documents", "acknowledge_document", "acknowledgements",
    "my_acknowledgement", "ack_pending",
    # catalogs and inventory
    "KEV_ROOM", "CatalogEntry", "KevImport", "import_kev", "publish_catalog",
    "domestic_catalog", "catalog_entries", "list_kev", "kev_sources", "get_inventory",
    "save_inventory", "add_product", "import_sbom", "inventory_matches",
    "inventory_exposure", "affects_us",
    # STIX and TAXII
    "STIX_ROOM", "StixImport", "audience_for", "export_document_stix", "export_items_stix",
    "import_stix", "taxii_push", "taxii_pull",
]

//! The domain model: values parsed at the edge and the records the ledger keeps.

pub mod catalog;
pub mod certificate_code;
pub mod confirmation;
pub mod event;
pub mod event_type;
pub mod format;
pub mod ids;
pub mod money;
pub mod msisdn;
pub mod notice;
pub mod order;
pub mod page_link;
pub mod pin;
pub mod records;
pub mod refund_queue;
pub mod refusal_code;
pub mod settlement;
pub mod web_sign_in;

pub use catalog::{CatalogQuery, Category, Product, WellKnownCategory, find_ignoring_case};
pub use certificate_code::CertificateCode;
pub use confirmation::{
    Confirmation, ConfirmationKind, ConfirmationState, ConfirmationUpdate, PendingAction,
};
pub use event::{Event, MmsNotice, OutboxChannel, OutboxMessage, OutboxRecord, SmsNotice};
pub use event_type::EventType;
pub use format::Format;
pub use ids::{ConfirmationId, ContentId, GiftId, OrderId, ProductId};
pub use money::{Currency, Money, MoneyError};
pub use msisdn::{Msisdn, Region};
pub use notice::{Language, Notices};
pub use order::{
    GiftAnswer, GiftOrder, GiftSpec, Order, OrderError, OrderKind, PurchaseOrder, RefundOrder,
    Settlement,
};
pub use page_link::{LinkKind, LinkToken, PageLink};
pub use pin::{Pin, PinCipher, SEALED_PREFIX, mask_account};
pub use records::*;
pub use refund_queue::{QueuedRefund, QueuedRefundState, RefundAccount};
pub use refusal_code::RefusalCode;
pub use settlement::{REPAIR_REFUND_KEY, Rail, SettlementKind, SettlementRecord, SettlementRepair};
pub use web_sign_in::{OneTimeCode, SignIn, SiteTopic, WebSession};

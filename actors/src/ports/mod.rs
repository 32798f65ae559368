//! The ports: what the core needs from the outside world, as traits adapters implement.

pub mod access;
pub mod clock;
pub mod contents;
pub mod payment;
pub mod payout;
pub mod points;
pub mod store;

pub use access::{PageLinks, SiteAccess};
pub use clock::{Clock, ManualClock, SystemClock};
pub use contents::{ContentSource, ContentSourceError};
pub use payment::{PaymentError, PaymentRail, PaymentRequest, RailStatus};
pub use payout::{Payout, PayoutRail};
pub use points::{PointsCredit, PointsRail};
pub use store::{
    ApiKeyRecord, AuditFacts, AuditStore, CatalogueStore, CertificateStore, ChangeKind, ChangePart,
    Changes, CommitStore, ConfirmationStore, ContentStore, CurrencyTotals, ExpiryNoticeMark,
    GiftStore, GiftUpdate, HealthStore, JournalStore, KeyKind, KeyStore, MessageStore, OrderStore,
    OrderUpdate, OutboxStore, PaymentStore, PaymentUpdate, RedemptionStore, RefundStore,
    SealedSecret, SecretKind, SecretStore, Store, StoreError,
};

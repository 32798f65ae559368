//! AMQP bench (being written).

//! Who consumes what in scale-out mode: a pure function of the live members' ids, so every
//! instance that sees the same members computes the same answer without talking further.
//!
//! Partitions are shared by *bounded rendezvous hashing*: every (member, partition) pair
//! gets a pseudo-random weight; the pairs are taken from the heaviest down and a
//! partition goes to the first member of its pairs that still has room, where "room"
//! means the member holds fewer than ⌊N/M⌋ partitions, or exactly ⌊N/M⌋ while fewer than
//! N mod M members hold ⌊N/M⌋ + 1. Every member thus ends with ⌊N/M⌋ or ⌈N/M⌉
//! partitions (plain rendezvous hashing is only fair on average), and a join or a leave
//! mostly moves the partitions the newcomer takes or the leaver held. The ingress queue
//! (the re-partitioning) goes to the member of highest weight for it, by plain rendezvous.
//!
//! The weights come from FNV-1a and the splitmix64 finaliser, spelled out here, so they
//! stay the same across Rust versions, platforms and builds: instances of different
//! releases must agree during a rolling upgrade.

use std::collections::{BTreeMap, BTreeSet};

/// What one member consumes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// The partition queues (by index) this member consumes.
    pub partitions: BTreeSet<u16>,
    /// Whether this member consumes the ingress queue `giftgate.orders` (re-partitions).
    pub ingress: bool,
    /// How many live members the assignment was computed for (this one included).
    pub members: usize,
}

/// The slot key of the ingress queue (partition indices are below 2^16).
const INGRESS_SLOT: u64 = u64::MAX;

/// The weight of `member` for `slot`: deterministic everywhere (see the module docs).
fn weight(member: &str, slot: u64) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for byte in member.bytes().chain(slot.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    // splitmix64 finaliser: spreads FNV's weak low bits over the whole word.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The whole assignment of `partitions` partitions over `members` (ids, any order,
/// duplicates ignored): member id → what it consumes. Empty without members.
pub fn assign(members: &[&str], partitions: u16) -> BTreeMap<String, Assignment> {
    let members: BTreeSet<&str> = members.iter().copied().collect();
    let count = members.len();
    let mut result: BTreeMap<String, Assignment> = members
        .iter()
        .map(|member| {
            (
                (*member).to_owned(),
                Assignment {
                    members: count,
                    ..Assignment::default()
                },
            )
        })
        .collect();
    if count == 0 {
        return result;
    }
    let base = usize::from(partitions) / count;
    let bigger = usize::from(partitions) % count;
    let mut pairs: Vec<(u64, &str, u16)> = members
        .iter()
        .flat_map(|member| (0..partitions).map(move |p| (weight(member, u64::from(p)), *member, p)))
        .collect();
    // Heaviest first; ties (practically never) broken by id then partition, so every
    // instance sorts identically.
    pairs.sort_unstable_by(|a, b| b.cmp(a));
    let mut taken = vec![false; usize::from(partitions)];
    let mut bigger_used = 0;
    for (_, member, partition) in pairs {
        if taken[usize::from(partition)] {
            continue;
        }
        let Some(assignment) = result.get_mut(member) else {
            continue;
        };
        let held = assignment.partitions.len();
        let room = held < base || (held == base && bigger_used < bigger);
        if !room {
            continue;
        }
        if held == base {
            bigger_used += 1;
        }
        assignment.partitions.insert(partition);
        taken[usize::from(partition)] = true;
    }
    if let Some(ingress) = members
        .iter()
        .max_by_key(|member| (weight(member, INGRESS_SLOT), **member))
        .and_then(|member| result.get_mut(*member))
    {
        ingress.ingress = true;
    }
    result
}

/// What `me` consumes when `members` are alive (`me` is counted even if not listed).
pub fn assignment_of(me: &str, members: &[&str], partitions: u16) -> Assignment {
    let mut all: Vec<&str> = members.to_vec();
    all.push(me);
    assign(&all, partitions).remove(me).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` member ids of fleet `fleet` (deterministic, so failures reproduce).
    fn ids(fleet: usize, count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("fleet{fleet}-host{i}"))
            .collect()
    }

    fn check_fair(members: &[String], partitions: u16) -> BTreeMap<String, Assignment> {
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let all = assign(&refs, partitions);
        let mut owners = vec![0; usize::from(partitions)];
        let low = usize::from(partitions) / members.len();
        let high = low + usize::from(!usize::from(partitions).is_multiple_of(members.len()));
        for assignment in all.values() {
            assert!(
                (low..=high).contains(&assignment.partitions.len()),
                "{} partitions, expected {low}..={high}",
                assignment.partitions.len()
            );
            for p in &assignment.partitions {
                owners[usize::from(*p)] += 1;
            }
        }
        assert!(
            owners.iter().all(|o| *o == 1),
            "each owned once: {owners:?}"
        );
        assert_eq!(all.values().filter(|a| a.ingress).count(), 1);
        all
    }

    #[test]
    fn every_partition_has_one_owner_and_shares_differ_by_at_most_one() {
        for fleet in 0..20 {
            for members in 1..=7 {
                for partitions in [1, 2, 3, 8, 10, 16, 31] {
                    check_fair(&ids(fleet, members), partitions);
                }
            }
        }
    }

    #[test]
    fn everyone_computes_the_same_answer_whatever_the_order_they_list_members() {
        let members = ids(0, 4);
        let forward: Vec<&str> = members.iter().map(String::as_str).collect();
        let mut backward = forward.clone();
        backward.reverse();
        assert_eq!(assign(&forward, 16), assign(&backward, 16));
        for me in &forward {
            assert_eq!(
                assignment_of(me, &backward, 16),
                assign(&forward, 16)[*me].clone()
            );
        }
    }

    #[test]
    fn the_weights_are_fixed_across_builds() {
        // Pinned values: a change here would split a fleet in a rolling upgrade.
        assert_eq!(weight("a", 0), weight("a", 0));
        assert_ne!(weight("a", 0), weight("a", 1));
        // Computed independently (FNV-1a 64 of the id and the little-endian slot, then
        // the splitmix64 finaliser).
        assert_eq!(weight("giftgate-1", 3), 0x5b71_ede7_cfb9_b49e);
    }

    #[test]
    fn a_join_moves_about_the_newcomers_share_only() {
        for fleet in 0..50 {
            join_and_leave(ids(fleet, 3));
        }
    }

    fn join_and_leave(mut members: Vec<String>) {
        let before = check_fair(&members, 24);
        members.push("newcomer".to_owned());
        let after = check_fair(&members, 24);
        let moved_between_old_members = before
            .iter()
            .map(|(member, old)| old.partitions.difference(&after[member].partitions).count())
            .sum::<usize>()
            - after["newcomer"].partitions.len();
        // The newcomer takes 6; the bound keeps reshuffling among the others small.
        assert!(
            moved_between_old_members <= 6,
            "{moved_between_old_members}"
        );
        let leaving: Vec<String> = members.iter().take(3).cloned().collect();
        let back = check_fair(&leaving, 24);
        assert_eq!(back, before, "a leave restores the previous assignment");
    }
}

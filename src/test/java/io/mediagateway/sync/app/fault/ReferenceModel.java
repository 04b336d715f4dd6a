package io.mediagateway.sync.app.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the service's state must be after a workload, computed without the service: the contract's rules (§2, §4, §5)
 * written again as plainly as possible. Last-writer-wins registers compare {@code (hlc, device_id)}; the watchlist is
 * an add-wins observed-remove set (a remove takes away the tags it observed, or every tag held when it names none;
 * what a device observed is every add up to some point, as causal delivery of each device's adds makes it — the
 * service's set relies on that, keeping a version vector per adding device rather than every removed tag);
 * a device is registered by its first join and online from a join until a leave; a command is delivered or rejected
 * by the rules of §4 in the order they are listed there. Events of one user are applied in the order they were
 * produced — the order of the user's partition — but the registers would end the same in any order.
 */
public final class ReferenceModel {

    /** One user's state as every reader compares it: canonical, sorted, only what the contract fixes. */
    public record UserView(Map<String, Set<String>> watchlist, Map<String, String> progress,
                           Map<String, String> preferences, Map<String, Boolean> devices) {
    }

    /** A command's outcome: {@code remote_command} (reason null) or {@code command_rejected} with its reason. */
    public record CommandOutcome(String target, String type, String reason) {
    }

    private record Register(long hlc, String deviceId, String value) {
        boolean beats(Register other) {
            return other == null || hlc > other.hlc || (hlc == other.hlc && deviceId.compareTo(other.deviceId) > 0);
        }
    }

    private record Device(boolean online, boolean remoteControllable) {
    }

    private static final class User {
        final Map<String, Set<String>> tags = new TreeMap<>();
        final Map<String, Register> progress = new HashMap<>();
        final Map<String, Register> preferences = new HashMap<>();
        final Map<String, Device> devices = new HashMap<>();
        final List<CommandOutcome> commands = new ArrayList<>();
    }

    private final Map<String, User> users = new TreeMap<>();

    private User user(String id) {
        return users.computeIfAbsent(id, k -> new User());
    }

    public synchronized void watchlistAdd(String user, String content, String tag) {
        user(user).tags.computeIfAbsent(content, k -> new TreeSet<>()).add(tag);
    }

    /** {@code observed} null: every tag the user's content holds now. */
    public synchronized void watchlistRemove(String user, String content, Collection<String> observed) {
        Set<String> held = user(user).tags.get(content);
        if (held == null) {
            return;
        }
        if (observed == null) {
            held.clear();
        } else {
            held.removeAll(observed);
        }
        if (held.isEmpty()) {
            user(user).tags.remove(content);
        }
    }

    /** The tags {@code user}'s {@code content} holds now (a copy). */
    public synchronized List<String> tags(String user, String content) {
        return new ArrayList<>(user(user).tags.getOrDefault(content, Set.of()));
    }

    public synchronized void progress(String user, String content, long hlc, String device, double position, String state) {
        Register r = new Register(hlc, device, canonicalProgress(position, state, device, hlc));
        user(user).progress.merge(content, r, (old, now) -> now.beats(old) ? now : old);
    }

    /** {@code valueJson}: the value as canonical JSON text. */
    public synchronized void preference(String user, String key, long hlc, String device, String valueJson) {
        Register r = new Register(hlc, device, valueJson);
        user(user).preferences.merge(key, r, (old, now) -> now.beats(old) ? now : old);
    }

    public synchronized void join(String user, String device, boolean remoteControllable) {
        user(user).devices.put(device, new Device(true, remoteControllable));
    }

    public synchronized void leave(String user, String device) {
        user(user).devices.computeIfPresent(device, (k, d) -> new Device(false, d.remoteControllable()));
    }

    public synchronized boolean knows(String user, String device) {
        return user(user).devices.containsKey(device);
    }

    /** A command without {@code expires_at} trouble, and neither {@code Seek} nor {@code CastTo}. */
    public synchronized void command(String user, String target, String type) {
        Device d = user(user).devices.get(target);
        String reason = d == null ? "unknown_device" : !d.online() ? "device_offline"
                : !d.remoteControllable() ? "not_supported" : null;
        user(user).commands.add(new CommandOutcome(target, type, reason));
    }

    public synchronized Set<String> users() {
        return new TreeSet<>(users.keySet());
    }

    public synchronized UserView view(String id) {
        User u = user(id);
        Map<String, Set<String>> watchlist = new TreeMap<>();
        u.tags.forEach((content, tags) -> watchlist.put(content, new TreeSet<>(tags)));
        Map<String, String> progress = new TreeMap<>();
        u.progress.forEach((content, r) -> progress.put(content, r.value()));
        Map<String, String> preferences = new TreeMap<>();
        u.preferences.forEach((key, r) -> preferences.put(key, r.value()));
        Map<String, Boolean> devices = new TreeMap<>();
        u.devices.forEach((device, d) -> devices.put(device, d.online()));
        return new UserView(watchlist, progress, preferences, devices);
    }

    public synchronized List<CommandOutcome> commands(String id) {
        return List.copyOf(user(id).commands);
    }

    /** How a progress register is compared wherever it is read: position, state (lower case), device, hlc. */
    public static String canonicalProgress(double position, String state, String device, long hlc) {
        return position + "|" + state.toLowerCase(java.util.Locale.ROOT) + "|" + device + "|" + hlc;
    }
}

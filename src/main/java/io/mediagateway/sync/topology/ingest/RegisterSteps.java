package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import java.util.function.Consumer;

/**
 * Progress and preferences, one last-writer-wins register per content or key: a write that wins is
 * stored and shown; one that loses changes nothing. A progress report also notes what its device plays.
 */
public final class RegisterSteps {
    private final UserStores stores;

    public RegisterSteps(UserStores stores) {
        this.stores = stores;
    }

    public void progress(Deltas out, IngestEvent.ProgressWrite write, Stamp stamp) {
        if (written(stores.progress(out.user, write.contentId()), LwwRegister.of(write.position(), stamp),
                after -> stores.putProgress(out.user, write.contentId(), after))) {
            out.emit(new Delta.Progress(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), write.contentId(),
                    write.position()));
        }
        notePlaying(out.user, stamp, write.contentId());
    }

    /**
     * "Remove from continue watching" (contract §12): the register takes the removed value at the event's
     * stamp, so a later report brings the content back and an older one does not. A removal of content the
     * user has no visible progress for changes what is stored (so an older report arriving later stays
     * hidden) but shows nothing.
     */
    public void removeProgress(Deltas out, String contentId, Stamp stamp) {
        LwwRegister<PlaybackPosition> before = stores.progress(out.user, contentId);
        if (written(before, LwwRegister.of(PlaybackPosition.REMOVED, stamp),
                after -> stores.putProgress(out.user, contentId, after)) && before != null && !before.value().removed()) {
            out.emit(new Delta.ProgressRemoved(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), contentId));
        }
    }

    /** Remembers which content a device last reported progress for: {@code Seek} needs its target to be playing. */
    private void notePlaying(String user, Stamp stamp, String contentId) {
        NowPlaying stored = stores.nowPlaying(user, stamp.deviceId());
        if (stored == null || stored.hlc() < stamp.hlc()) {
            stores.putNowPlaying(user, stamp.deviceId(), new NowPlaying(stamp.hlc(), contentId));
        }
    }

    /**
     * Stores the register after a write — the CRDT's own merge, as {@code UserState} applies it whole —
     * when the write changed it; whether it did.
     */
    private static <T extends Comparable<? super T>> boolean written(LwwRegister<T> stored, LwwRegister<T> write,
                                                                    Consumer<LwwRegister<T>> put) {
        LwwRegister<T> after = stored == null ? write : stored.merge(write);
        if (after.equals(stored)) {
            return false;
        }
        put.accept(after);
        return true;
    }

    public void preference(Deltas out, IngestEvent.PreferenceWrite write, Stamp stamp) {
        if (written(stores.preference(out.user, write.key()), LwwRegister.of(write.value(), stamp),
                after -> stores.putPreference(out.user, write.key(), after))) {
            out.emit(new Delta.Preference(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), write.key(),
                    write.value()));
        }
    }
}

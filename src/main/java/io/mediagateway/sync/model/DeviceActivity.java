package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.LwwRegister;
import java.util.Optional;

/**
 * What a device is doing (contract §12): {@code watching}, {@code paused}, {@code idle} or
 * {@code background}, and what it plays. Pure.
 *
 * @param contentId       what it plays or paused; null when nothing
 * @param positionSeconds where it is in that content; null when nothing
 */
public record DeviceActivity(String activity, String contentId, Double positionSeconds) {
    public static final DeviceActivity IDLE = new DeviceActivity("idle", null, null);

    /**
     * The device's current content: the content it last reported on has, as its winning progress, that
     * device's own report, and that report says Playing or Paused. Another device taking over the content,
     * the device's own stop, or a removal from "continue watching" ends it.
     *
     * @param playing  the content the device last reported progress for, if any
     * @param progress the winning progress register of that content, if any
     */
    public static Optional<PlaybackPosition> currentContent(String deviceId, NowPlaying playing,
                                                            LwwRegister<PlaybackPosition> progress) {
        if (playing == null || progress == null || !progress.stamp().deviceId().equals(deviceId)
                || !progress.value().state().active()) {
            return Optional.empty();
        }
        return Optional.of(progress.value());
    }

    /** The activity of a device that is {@code online} (as judged now), from its current content. */
    public static DeviceActivity of(DeviceRecord record, boolean online, String deviceId, NowPlaying playing,
                                    LwwRegister<PlaybackPosition> progress) {
        if (!online) {
            return IDLE;
        }
        Optional<PlaybackPosition> current = currentContent(deviceId, playing, progress);
        String activity = record.background() ? "background"
                : current.map(p -> p.state() == PlaybackState.PLAYING ? "watching" : "paused").orElse("idle");
        return current.map(p -> new DeviceActivity(activity, playing.contentId(), p.positionSeconds()))
                .orElse(new DeviceActivity(activity, null, null));
    }
}

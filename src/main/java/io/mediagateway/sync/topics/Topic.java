package io.mediagateway.sync.topics;

import org.apache.kafka.common.serialization.Serde;

/** A topic of the registry: its definition from {@code topics/} and the serdes of its records. */
public record Topic<K, V>(TopicDefinition definition, Serde<K> keySerde, Serde<V> valueSerde) {

    public String name() {
        return definition.name();
    }

    static <K, V> Topic<K, V> load(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        TopicDefinition definition = TopicDefinition.load(name);
        if (!definition.name().equals(name)) {
            throw new IllegalStateException("topics/" + name + ".properties declares name=" + definition.name()
                    + "; the file name and the topic name must agree");
        }
        return new Topic<>(definition, keySerde, valueSerde);
    }
}

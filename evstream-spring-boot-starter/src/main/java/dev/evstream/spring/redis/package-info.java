/**
 * Auto-configuration of the Redis backend, for several replicas against one Redis.
 */
@NullMarked
package dev.evstream.spring.redis;

import org.jspecify.annotations.NullMarked;

variable "name" {
  description = "Cluster name, e.g. configurator-dev."
  type        = string
}

variable "kafka_version" {
  description = "Apache Kafka version MSK runs."
  type        = string
  default     = "3.8.x"
}

variable "broker_count" {
  description = "Brokers; a multiple of the number of subnets (one per AZ)."
  type        = number
  default     = 3
}

variable "instance_type" {
  description = "Broker instance type (kafka.t3.small for dev, kafka.m7g.large or larger for prod)."
  type        = string
  default     = "kafka.m7g.large"
}

variable "volume_size_gib" {
  description = "EBS storage per broker."
  type        = number
  default     = 100
}

variable "enhanced_monitoring" {
  description = "MSK monitoring level (DEFAULT, PER_BROKER, PER_TOPIC_PER_BROKER, PER_TOPIC_PER_PARTITION)."
  type        = string
  default     = "DEFAULT"
}

variable "subnet_ids" {
  description = "One isolated subnet per AZ for the brokers."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the brokers (9098 from the Lambdas)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for data at rest and the broker log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the broker logs."
  type        = number
  default     = 365
}
